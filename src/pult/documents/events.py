"""Event kinds of this app and who sees them in the feed.

File events target the work item, so they appear in the item's timeline, follow its
visibility and reach its participants through the notification rules.
"""

from django.utils.translation import gettext_lazy as _

from pult.activity.registry import Verb, register_verbs, register_visibility
from pult.documents.models import Article, Material
from pult.documents.selectors import article_visible_to, material_visible_to

register_verbs(
    Verb(
        "documents.attachment_added",
        _("%(actor)s attached %(name)s to %(target)s"),
        _("File attached"),
    ),
    Verb(
        "documents.attachment_removed",
        _("%(actor)s removed %(name)s from %(target)s"),
        _("File removed"),
    ),
    Verb(
        "documents.article_created",
        _("%(actor)s wrote the article %(target)s"),
        _("Article written"),
    ),
    Verb(
        "documents.article_updated",
        _("%(actor)s edited the article %(target)s"),
        _("Article edited"),
    ),
    Verb(
        "documents.material_added",
        _("%(actor)s added the material %(target)s"),
        _("Material added"),
    ),
    Verb(
        "documents.material_removed",
        _("%(actor)s removed the material %(title)s"),
        _("Material removed"),
    ),
)
register_visibility(Article, article_visible_to)
register_visibility(Material, material_visible_to)
