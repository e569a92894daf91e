"""Forms of the pipeline editor. They only shape input; the writers (`writers`,
`field_writers`) check it (keys, palette, icons, catalogue, guards), so a pipeline file
or an API call is refused the same way."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pult.access.catalogue import permission_groups
from pult.access.models import Role
from pult.accounts.models import Department
from pult.core.forms import Form
from pult.pipelines.effect_writers import SET_FIELD, EffectRows, settable, simple_names
from pult.pipelines.files import ICONS, PALETTE
from pult.work import computed, guards
from pult.work import effects as step_effects
from pult.work.models import FieldDef, FieldKind, Stage, Status, StatusCategory

_KEY_HELP = _("Latin letters, digits, “-” and “_”; used in files and addresses.")


def _key_field() -> forms.CharField:
    return forms.CharField(label=_("Key"), max_length=60, help_text=_KEY_HELP)


def _position_field() -> forms.IntegerField:
    return forms.IntegerField(
        label=_("Position"), min_value=0, max_value=32767, initial=0, help_text=_("Smaller first.")
    )


class ItemTypeSettingsForm(Form):
    name_en = forms.CharField(label=_("Name (English)"), max_length=200)
    name_ru = forms.CharField(label=_("Name (Russian)"), max_length=200, required=False)
    number_prefix = forms.CharField(
        label=_("Number prefix"), max_length=10, help_text=_("Items are numbered like DR-00042.")
    )
    initial_status = forms.TypedChoiceField(
        label=_("Initial status"), coerce=int, help_text=_("New items start here.")
    )
    requires_contacts = forms.BooleanField(
        label=_("Filing needs the requester's full contact details"), required=False
    )
    auto_assign = forms.BooleanField(
        label=_("Assign new items automatically to the least-loaded specialist"), required=False
    )
    skill_field = forms.ChoiceField(
        label=_("Skill field"),
        required=False,
        help_text=_("Automatic assignment picks a specialist with this field's value as a skill."),
    )
    sequential_stages = forms.BooleanField(
        label=_("Stages are signed in their order"),
        required=False,
        help_text=_("A stage can be signed off only after every earlier stage."),
    )

    def __init__(
        self, *args: Any, statuses: list[Status], fields: list[FieldDef], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        initial_field = self.fields["initial_status"]
        assert isinstance(initial_field, forms.TypedChoiceField)
        initial_field.choices = [(s.pk, s.name) for s in statuses]
        skill = self.fields["skill_field"]
        assert isinstance(skill, forms.ChoiceField)
        skill.choices = [("", _("— none (any specialist) —"))] + [(f.key, f.name) for f in fields]


class StatusForm(Form):
    key = _key_field()
    name_en = forms.CharField(label=_("Name (English)"), max_length=200)
    name_ru = forms.CharField(label=_("Name (Russian)"), max_length=200, required=False)
    colour = forms.ChoiceField(label=_("Colour"), choices=list(PALETTE.items()))
    icon = forms.ChoiceField(label=_("Icon"), choices=[(i, i) for i in ICONS])
    category = forms.ChoiceField(
        label=_("Category"),
        choices=StatusCategory.choices,
        help_text=_("Paused stops the SLA clock; closed ends the item."),
    )
    queued = forms.BooleanField(label=_("Items here wait in the queue"), required=False)
    is_initial = forms.BooleanField(label=_("New items start in this status"), required=False)
    position = _position_field()


def permission_choices(empty: Any = None) -> list[Any]:
    """The catalogue as grouped choices; empty = nobody by permission."""
    return [("", empty or _("— no permission (managers, requester or assignee) —"))] + [
        (str(group.title), [(p.code, str(p.label)) for p in group.permissions])
        for group in permission_groups()
    ]


def _choices(form: forms.Form, name: str, choices: list[Any]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


class StageForm(Form):
    key = _key_field()
    name_en = forms.CharField(label=_("Name (English)"), max_length=200)
    name_ru = forms.CharField(label=_("Name (Russian)"), max_length=200, required=False)
    department = forms.TypedChoiceField(
        label=_("Department"), coerce=int, empty_value=None, required=False
    )
    sign_permission = forms.ChoiceField(
        label=_("Who signs it off: holders of the permission"), required=False
    )
    required_fields = forms.TypedMultipleChoiceField(
        label=_("Fields required for the sign-off"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "The stage's own fields (a field's stage is set on the field). A required field "
            "is one its editors must fill in before anyone may sign the stage off."
        ),
    )
    position = _position_field()

    def __init__(
        self,
        *args: Any,
        departments: list[Department],
        stage_fields: list[FieldDef] | None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "department", [("", _("— none —")), *((d.pk, d.name) for d in departments)])
        _choices(self, "sign_permission", permission_choices(_("— no permission (managers) —")))
        if stage_fields is None:  # a new stage has no fields yet
            del self.fields["required_fields"]
        else:
            _choices(self, "required_fields", [(f.pk, f.name) for f in stage_fields])


class TransitionForm(Form):
    key = _key_field()
    label_en = forms.CharField(label=_("Button label (English)"), max_length=120)
    label_ru = forms.CharField(label=_("Button label (Russian)"), max_length=120, required=False)
    from_status = forms.TypedChoiceField(
        label=_("From status"), coerce=int, empty_value=None, required=False
    )
    to_status = forms.TypedChoiceField(label=_("To status"), coerce=int)
    permission = forms.ChoiceField(
        label=_("Who may take it: holders of the permission"),
        required=False,
        help_text=_("Those who may manage items may take every step."),
    )
    requester_may = forms.BooleanField(label=_("The requester may take it"), required=False)
    assignee_may = forms.BooleanField(label=_("An assignee may take it"), required=False)
    guards = forms.MultipleChoiceField(
        label=_("Conditions"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The step is refused, naming what is missing, until each one holds."),
    )
    requires_stages = forms.MultipleChoiceField(
        label=_("Stages signed off first"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The step is refused, naming each stage, until they are signed off."),
    )
    needs_comment = forms.BooleanField(label=_("A comment is required"), required=False)
    effects = forms.MultipleChoiceField(
        label=_("Effects"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("What taking the step does besides moving the item, whoever takes it."),
    )
    set_field_key = forms.ChoiceField(
        label=_("Set a field"),
        required=False,
        help_text=_("Taking the step gives this field the value below."),
    )
    set_field_value = forms.CharField(
        label=_("The field's new value"),
        max_length=300,
        required=False,
        help_text=_("Empty clears the field. A choice field takes the value, not its label."),
    )
    position = _position_field()

    def __init__(
        self,
        *args: Any,
        statuses: list[Status],
        stages: list[Stage],
        fields: Sequence[FieldDef] = (),
        current_effects: EffectRows = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.current_effects = list(current_effects)
        # An effect no app registers any more stays listed, ticked, until it is unticked
        # (the writer refuses to keep it).
        offered = simple_names()
        offered += sorted(
            {n for n, _p in self.current_effects if n not in offered and n != SET_FIELD}
        )
        _choices(self, "effects", [(name, step_effects.label(name)) for name in offered])
        _choices(
            self,
            "set_field_key",
            [("", _("— none —")), *((f.key, f.name) for f in fields if settable(f))],
        )
        choices = [(s.pk, s.name) for s in statuses]
        from_field = self.fields["from_status"]
        to_field = self.fields["to_status"]
        assert isinstance(from_field, forms.TypedChoiceField)
        assert isinstance(to_field, forms.TypedChoiceField)
        from_field.choices = [("", _("— any status —")), *choices]
        to_field.choices = choices
        permission = self.fields["permission"]
        assert isinstance(permission, forms.ChoiceField)
        permission.choices = permission_choices()
        guard_field = self.fields["guards"]
        assert isinstance(guard_field, forms.MultipleChoiceField)
        guard_field.choices = [(name, name) for name in guards.names()]
        _choices(self, "requires_stages", [(st.key, st.name) for st in stages])
        if not stages:
            del self.fields["requires_stages"]

    def clean(self) -> dict[str, Any]:
        """`effect_rows`: the step's effects as the form leaves them, in the order they
        run. Those it shows keep their places (a ticked one, the first set_field); those
        it does not (a file's second set_field) stay as they are; newly ticked ones go
        last, the new set_field after them."""
        data = super().clean() or {}
        ticked = list(data.get("effects") or [])
        key = data.get("set_field_key") or ""
        set_field = (SET_FIELD, {"key": key, "value": data.get("set_field_value", "")})
        rows: list[tuple[str, Mapping[str, Any]]] = []
        first_set_field = True
        for name, params in self.current_effects:
            if name == SET_FIELD:
                if first_set_field and key:
                    rows.append(set_field)
                elif not first_set_field:
                    rows.append((name, params))
                first_set_field = False
            elif name in ticked:
                rows.append((name, params))
                ticked.remove(name)
        rows += [(name, {}) for name in ticked]
        if key and first_set_field:
            rows.append(set_field)
        data["effect_rows"] = rows
        return data


class FieldDefForm(Form):
    key = _key_field()
    name_en = forms.CharField(label=_("Name (English)"), max_length=200)
    name_ru = forms.CharField(label=_("Name (Russian)"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=FieldKind.choices)
    choices = forms.CharField(
        label=_("Choices"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("For a choice field: one per line, “value | English | Русский”."),
    )
    help_en = forms.CharField(label=_("Hint (English)"), max_length=300, required=False)
    help_ru = forms.CharField(label=_("Hint (Russian)"), max_length=300, required=False)
    stage = forms.TypedChoiceField(
        label=_("Stage"),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Filled in at this stage; read-only once the stage is signed off."),
    )
    computed = forms.ChoiceField(
        label=_("Computed by"),
        required=False,
        help_text=_("A computed field is never typed in: it is worked out on every save."),
    )
    roles = forms.TypedMultipleChoiceField(
        label=_("People of the roles"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "For a person field: only members holding one of these roles can be chosen. "
            "None ticked: any member."
        ),
    )
    position = _position_field()

    def __init__(
        self, *args: Any, stages: list[Stage], roles: list[Role] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "stage", [("", _("— no stage —")), *((st.pk, st.name) for st in stages)])
        _choices(self, "roles", [(r.pk, r.shown_name) for r in roles or []])
        _choices(
            self,
            "computed",
            [("", _("— typed in —")), *((name, name) for name in computed.names())],
        )


class PipelineImportForm(Form):
    file = forms.FileField(
        label=_("Pipeline file (JSON)"),
        help_text=_("One work-item type as exported here. A type with the same key is replaced."),
    )
