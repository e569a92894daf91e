"""Comment visibility as a section of a pipeline (`pult.pipelines.sections`): the
"message_visibility" key of a pipeline file — [{"role", "sees", "author_roles"}] by role
name, as `rule_selectors.message_visibility_rows` gives them — and the "Who sees whose
comments" panel and pages of the pipeline editor. Registered by `ChatConfig.ready()`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pult.access.models import Role
from pult.chat import rule_services
from pult.chat.models import MessageSees
from pult.chat.rule_selectors import message_visibility_rows, message_visibility_rule_list
from pult.core.forms import Form
from pult.pipelines.sections import RowPages, Section

if TYPE_CHECKING:
    from pult.accounts.models import User, Workspace
    from pult.work.models import ItemType

KEY = "message_visibility"


class MessageRuleForm(Form):
    viewer_role = forms.TypedChoiceField(label=gettext_lazy("Viewer role"), coerce=int)
    sees = forms.ChoiceField(label=gettext_lazy("Sees"), choices=MessageSees.choices)
    author_roles = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Authors whose messages they also see"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Only for “own messages and those of the chosen roles”."),
    )

    def __init__(self, *args: Any, roles: list[Role], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(r.pk, r.name) for r in roles]
        for name in ("viewer_role", "author_roles"):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = choices


def _validate(rows: Any, workspace: Workspace) -> list[str]:
    if rows is None:
        return []
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
        return [_("“%(key)s” must be a list of objects") % {"key": KEY}]
    role_names = set(Role.objects.filter(workspace=workspace).values_list("name", flat=True))
    return rule_services.message_visibility_errors(rows, role_names)


def _import(item_type: ItemType, rows: Any, actor: User | None) -> None:
    rule_services.message_visibility_replace(item_type=item_type, rows=rows or [])


def _panel(item_type: ItemType, actor: User) -> dict[str, Any]:
    return {"rules": list(message_visibility_rule_list(item_type))}


def _rule_form(data: Any, item_type: ItemType, rule: Any) -> forms.Form:
    roles = list(Role.objects.filter(workspace=item_type.workspace).order_by("name"))
    initial = (
        {
            "viewer_role": rule.viewer_role_id,
            "sees": rule.sees,
            "author_roles": [r.pk for r in rule.author_roles.all()],
        }
        if rule
        else {}
    )
    return MessageRuleForm(data, roles=roles, initial=initial)


def _rule_kwargs(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "viewer_role_id": data["viewer_role"],
        "sees": data["sees"],
        "author_role_ids": data["author_roles"],
    }


SECTION = Section(
    key=KEY,
    export=message_visibility_rows,
    validate=_validate,
    import_=_import,
    template="chat/_pipeline_comment_rules.html",
    context=_panel,
    pages=RowPages(
        route="message_rule",
        path="comment-rules",
        row_arg="rule_id",
        anchor="comments",
        rows=message_visibility_rule_list,
        form=_rule_form,
        kwargs=_rule_kwargs,
        save=rule_services.message_visibility_rule_save,
        delete=rule_services.message_visibility_rule_delete,
        title=lambda r: (
            _("Comments seen by “%(role)s”") % {"role": r.viewer_role.name}
            if r
            else _("New comment rule")
        ),
        saved=lambda: _("Comment rule saved."),
    ),
)
