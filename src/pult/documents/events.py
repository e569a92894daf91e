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
# Versioned documents: events of a contract's documents target its client (the client's
# timeline), those of an order's documents the order; both follow their target's
# visibility.
register_verbs(
    Verb(
        "documents.contract_document_added",
        _("%(actor)s added the document %(title)s to the contract %(contract)s of %(target)s"),
        _("Contract document added"),
    ),
    Verb(
        "documents.contract_document_version_added",
        _(
            "%(actor)s uploaded version %(number)s of the document %(title)s "
            "(contract %(contract)s of %(target)s)"
        ),
        _("New version of a contract document"),
    ),
    Verb(
        "documents.contract_document_renamed",
        _(
            "%(actor)s renamed the document %(before)s to %(title)s "
            "(contract %(contract)s of %(target)s)"
        ),
        _("Contract document renamed"),
    ),
    Verb(
        "documents.contract_document_removed",
        _("%(actor)s removed the document %(title)s from the contract %(contract)s of %(target)s"),
        _("Contract document removed"),
    ),
    Verb(
        "documents.item_document_added",
        _("%(actor)s added the document %(title)s to %(target)s"),
        _("Order document added"),
    ),
    Verb(
        "documents.item_document_version_added",
        _("%(actor)s uploaded version %(number)s of the document %(title)s to %(target)s"),
        _("New version of an order document"),
    ),
    Verb(
        "documents.item_document_renamed",
        _("%(actor)s renamed the document %(before)s to %(title)s on %(target)s"),
        _("Order document renamed"),
    ),
    Verb(
        "documents.item_document_removed",
        _("%(actor)s removed the document %(title)s from %(target)s"),
        _("Order document removed"),
    ),
)
register_visibility(Article, article_visible_to)
register_visibility(Material, material_visible_to)
