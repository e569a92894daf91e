"""Attachments: who may add which kind, what the content check accepts and refuses,
and that files on disk and rows stay in step."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pult.activity.models import Event
from pult.core.exceptions import DomainError, Forbidden, NotFound
from pult.desk.services import work_item_take
from pult.documents import services
from pult.documents.models import Attachment
from pult.documents.selectors import attachment_context, attachment_list
from pult.work.exceptions import TransitionBlocked
from pult.work.models import Transition
from tests.documents.conftest import (
    ALLOWED_FILES,
    exe_bytes,
    image_bytes,
    ole_bytes,
    pdf_bytes,
    stored_files,
    upload,
)
from tests.work.conftest import Desk

pytestmark = pytest.mark.django_db


def take(desk: Desk, item: Any, designer: Any = None) -> None:
    work_item_take(actor=designer or desk.designer, workspace=desk.workspace, item_id=item.pk)


def _add(desk: Desk, item: Any, f: Any, kind: str = "input", actor: Any = None) -> Attachment:
    return services.attachment_add(
        actor=actor or desk.applicant,
        workspace=desk.workspace,
        item_id=item.pk,
        upload=f,
        kind=kind,
    )


@pytest.mark.parametrize("key", sorted(ALLOWED_FILES))
def test_each_allowed_kind_is_stored(desk: Desk, media_root: Path, key: str) -> None:
    name, make, content_type = ALLOWED_FILES[key]
    item = desk.submit()
    attachment = _add(desk, item, upload(name, make()))
    assert attachment.content_type == content_type
    assert attachment.original_name == name
    assert attachment.size == attachment.file.size > 0
    stored = Path(attachment.file.path)
    assert stored.is_file() and stored.is_relative_to(media_root)
    # A random name in the workspace's folder; the person's file name is not on disk.
    assert f"documents/{desk.workspace.pk}/attachments/" in attachment.file.name
    assert name.rsplit(".", 1)[0] not in stored.name
    event = Event.objects.get(verb="documents.attachment_added")
    assert event.target_id == item.pk and event.payload["name"] == name


@pytest.mark.parametrize(
    ("name", "data", "problem"),
    [
        ("invoice.pdf", exe_bytes(), "not a file type we accept"),
        ("drawing.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>', "not a file"),
        ("setup.doc", ole_bytes("SummaryInformation"), "not a file type"),  # an .msi is OLE too
        ("page.pdf", b"<html><script>alert(1)</script></html>", "not a file type"),
        ("empty.png", b"", "empty"),
        ("broken.png", image_bytes("PNG")[:40], "damaged"),
    ],
)
def test_disguised_or_bad_files_are_refused_and_nothing_is_stored(
    desk: Desk, media_root: Path, name: str, data: bytes, problem: str
) -> None:
    item = desk.submit()
    with pytest.raises(DomainError) as refused:
        _add(desk, item, upload(name, data, "application/pdf"))
    assert problem in refused.value.message
    assert refused.value.field_errors["file"]
    assert not Attachment.objects.exists()
    assert not Event.objects.filter(verb="documents.attachment_added").exists()
    assert stored_files(media_root) == []


def test_oversized_file_is_refused(desk: Desk, media_root: Path, settings: Any) -> None:
    settings.PULT_MAX_UPLOAD_MB = 1
    item = desk.submit()
    big = pdf_bytes() + b"0" * (1024 * 1024)
    with pytest.raises(DomainError) as refused:
        _add(desk, item, upload("big.pdf", big))
    assert "too large" in refused.value.message and "1 MB" in refused.value.message
    assert not Attachment.objects.exists()
    assert stored_files(media_root) == []
    # Just under the limit passes.
    assert _add(desk, item, upload("ok.pdf", pdf_bytes())).pk


def test_extension_follows_the_content_and_pictures_are_reencoded(desk: Desk) -> None:
    item = desk.submit()
    tail = b"<?php system($_GET['c']); ?>"
    attachment = _add(desk, item, upload("photo.pdf", image_bytes("PNG") + tail))
    assert attachment.original_name == "photo.png"
    assert attachment.content_type == "image/png"
    assert attachment.file.name.endswith(".png")
    with attachment.file.open("rb") as f:
        assert tail not in f.read()


def test_who_may_add_inputs_and_deliverables(desk: Desk) -> None:
    item = desk.submit()
    png = lambda: upload("a.png", image_bytes("PNG"))  # noqa: E731
    # The requester adds inputs, not results.
    _add(desk, item, png())
    with pytest.raises(Forbidden):
        _add(desk, item, png(), kind="deliverable")
    # A neighbour sees the item but is not part of it; a designer who has not taken it
    # neither; an applicant of another outlet does not see it at all.
    with pytest.raises(Forbidden):
        _add(desk, item, png(), actor=desk.neighbour)
    with pytest.raises(Forbidden):
        _add(desk, item, png(), kind="deliverable", actor=desk.designer)
    with pytest.raises(NotFound):
        _add(desk, item, png(), actor=desk.stranger)
    # Once taken, the designer adds results; the head (a manager) may always.
    take(desk, item)
    _add(desk, item, png(), kind="deliverable", actor=desk.designer)
    _add(desk, item, png(), kind="input", actor=desk.designer)
    _add(desk, item, png(), kind="deliverable", actor=desk.head)
    with pytest.raises(DomainError):
        _add(desk, item, png(), kind="other", actor=desk.head)
    kinds = [
        a.kind for a in attachment_list(actor=desk.applicant, workspace=desk.workspace, item=item)
    ]
    assert sorted(kinds) == ["deliverable", "deliverable", "input", "input"]
    assert attachment_list(actor=desk.stranger, workspace=desk.workspace, item=item) == []


def test_context_for_the_item_page(desk: Desk) -> None:
    item = desk.submit()
    mine = _add(desk, item, upload("a.png", image_bytes("PNG")))
    context = attachment_context(actor=desk.applicant, workspace=desk.workspace, item=item)
    assert context["can_add_input"] and not context["can_add_deliverable"]
    assert context["inputs"] == [mine] and context["deliverables"] == []
    assert context["attachments"][0].can_remove
    neighbour = attachment_context(actor=desk.neighbour, workspace=desk.workspace, item=item)
    assert not neighbour["can_add_input"] and not neighbour["attachments"][0].can_remove


def test_remove_by_uploader_or_manager_deletes_the_file_after_commit(
    desk: Desk, django_capture_on_commit_callbacks: Any
) -> None:
    item = desk.submit()
    first = _add(desk, item, upload("a.png", image_bytes("PNG")))
    second = _add(desk, item, upload("b.png", image_bytes("PNG")))
    paths = [Path(first.file.path), Path(second.file.path)]
    with pytest.raises(Forbidden):
        services.attachment_remove(
            actor=desk.neighbour, workspace=desk.workspace, attachment_id=first.pk
        )
    with pytest.raises(NotFound):
        services.attachment_remove(
            actor=desk.stranger, workspace=desk.workspace, attachment_id=first.pk
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.attachment_remove(
            actor=desk.applicant, workspace=desk.workspace, attachment_id=first.pk
        )
        services.attachment_remove(
            actor=desk.head, workspace=desk.workspace, attachment_id=second.pk
        )
    assert not Attachment.objects.exists()
    assert not any(p.exists() for p in paths)
    assert Event.objects.filter(verb="documents.attachment_removed").count() == 2


def test_a_failed_save_leaves_no_file(
    desk: Desk, media_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    item = desk.submit()

    def broken(**kwargs: Any) -> None:
        raise RuntimeError("event store down")

    monkeypatch.setattr(services, "event_record", broken)
    with pytest.raises(RuntimeError):
        _add(desk, item, upload("a.pdf", pdf_bytes()))
    assert not Attachment.objects.exists()
    assert stored_files(media_root) == []


def test_has_deliverable_guard_blocks_then_allows(desk: Desk) -> None:
    Transition.objects.filter(item_type__workspace=desk.workspace, key="complete").update(
        guards=["has_deliverable"]
    )
    item = desk.submit()
    take(desk, item)
    with pytest.raises(TransitionBlocked) as blocked:
        desk.step(desk.designer, item, "complete")
    assert blocked.value.missing == ["a deliverable file"]
    # An input is not a result.
    _add(desk, item, upload("brief.pdf", pdf_bytes()), actor=desk.designer)
    with pytest.raises(TransitionBlocked):
        desk.step(desk.designer, item, "complete")
    _add(desk, item, upload("poster.pdf", pdf_bytes()), kind="deliverable", actor=desk.designer)
    assert desk.step(desk.designer, item, "complete").status.key == "completed"
