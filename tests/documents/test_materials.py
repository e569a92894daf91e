"""The ready-materials library: upload for holders of manage_materials, search and
filters, thumbnails and downloads through permission-checked views, flat queries."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from PIL import Image

from pult.access.models import Role
from pult.core.exceptions import DomainError, Forbidden
from pult.documents import services
from pult.documents.models import Material, MaterialCategory
from pult.documents.selectors import material_page
from pult.parties.models import Brand
from tests.conftest import login
from tests.documents.conftest import exe_bytes, image_bytes, pdf_bytes, upload
from tests.factories import make_member, make_workspace
from tests.work.conftest import Desk

pytestmark = pytest.mark.django_db


def _category(desk: Desk, name: str = "Logos") -> MaterialCategory:
    return services.material_category_create(actor=desk.head, workspace=desk.workspace, name=name)


def _material(
    desk: Desk,
    category: MaterialCategory,
    title: str = "Pizza Bella logo",
    tags: str = "logo",
    brand: Brand | None = None,
    data: bytes | None = None,
    name: str = "logo.png",
) -> Material:
    return services.material_add(
        actor=desk.designer,
        workspace=desk.workspace,
        title=title,
        category_id=category.pk,
        brand_id=brand.pk if brand else None,
        tags=tags,
        upload=upload(name, data if data is not None else image_bytes("PNG", (640, 200))),
    )


def test_upload_makes_a_thumbnail_for_pictures(docs_desk: Desk) -> None:
    category = _category(docs_desk)
    picture = _material(docs_desk, category, tags="Logo,  Summer ; logo")
    assert picture.tags == "logo, summer" and picture.tag_list == ["logo", "summer"]
    with picture.thumbnail.open("rb") as f:
        thumb = Image.open(io.BytesIO(f.read()))
    assert thumb.size == (320, 320) and thumb.format == "JPEG"
    document = _material(
        docs_desk, category, title="Brand book", tags="", data=pdf_bytes(), name="b.pdf"
    )
    assert not document.thumbnail and document.content_type == "application/pdf"
    transparent = _material(
        docs_desk, category, data=image_bytes("PNG", (50, 80), mode="RGBA"), name="t.png"
    )
    with transparent.thumbnail.open("rb") as f:
        assert Image.open(io.BytesIO(f.read())).format == "PNG"


def test_bad_files_and_strangers_are_refused(docs_desk: Desk, settings: Any) -> None:
    category = _category(docs_desk)
    with pytest.raises(DomainError):
        _material(docs_desk, category, data=exe_bytes(), name="logo.png")
    settings.PULT_MAX_UPLOAD_MB = 1
    with pytest.raises(DomainError):
        _material(docs_desk, category, data=pdf_bytes() + b"0" * 1024 * 1024, name="big.pdf")
    assert not Material.objects.exists()
    with pytest.raises(Forbidden):
        services.material_add(
            actor=docs_desk.applicant,
            workspace=docs_desk.workspace,
            title="x",
            category_id=category.pk,
            upload=upload("a.png", image_bytes("PNG")),
        )
    with pytest.raises(Forbidden):
        services.material_category_create(
            actor=docs_desk.applicant, workspace=docs_desk.workspace, name="Mine"
        )
    with pytest.raises(DomainError):
        _category(docs_desk, name="logos")  # the same name, another case
    other, _admin = make_workspace("Elsewhere")
    foreign = MaterialCategory.objects.create(workspace=other, name="Foreign")
    with pytest.raises(DomainError):
        _material(docs_desk, foreign)


def test_search_and_filters(docs_desk: Desk) -> None:
    logos, menus = _category(docs_desk), _category(docs_desk, "Menus")
    bella = Brand.objects.get(workspace=docs_desk.workspace, name="Pizza Bella")
    sushi = Brand.objects.create(workspace=docs_desk.workspace, name="Sushi Go")
    logo = _material(docs_desk, logos, brand=bella)
    menu = _material(docs_desk, menus, title="Летнее МЕНЮ", tags="Меню, лето", brand=sushi)
    plain = _material(docs_desk, menus, title="Price list", tags="prices")

    def found(**filters: Any) -> list[int]:
        page = material_page(actor=docs_desk.applicant, workspace=docs_desk.workspace, **filters)
        return [m.pk for m in page.rows]

    assert found() == [plain.pk, menu.pk, logo.pk]
    assert found(query="LOGO") == [logo.pk]
    assert found(query="летнее меню") == [menu.pk]  # Cyrillic, any case
    assert found(query="ЛЕТО") == [menu.pk]  # a tag
    assert found(query="pric") == [plain.pk]  # part of a word
    assert found(category_id=menus.pk) == [plain.pk, menu.pk]
    assert found(brand_id=bella.pk) == [logo.pk]
    assert found(category_id=menus.pk, brand_id=sushi.pk, query="меню") == [menu.pk]
    assert found(query="nothing") == []
    assert found(page_size=2)[0] == plain.pk
    second = material_page(
        actor=docs_desk.applicant, workspace=docs_desk.workspace, page_size=2, cursor=menu.pk
    )
    assert [m.pk for m in second.rows] == [logo.pk]


def test_pages_thumbnails_and_downloads_for_every_member(docs_desk: Desk, client: Client) -> None:
    category = _category(docs_desk)
    picture = _material(docs_desk, category, name="Логотип.png")
    document = _material(
        docs_desk, category, title="Brand book", tags="", data=pdf_bytes(), name="b.pdf"
    )
    login(client, docs_desk.applicant)
    listing = client.get("/materials/", {"q": "logo", "category": category.pk})
    html = listing.content.decode()
    assert listing.status_code == 200
    assert f"/materials/{picture.pk}/thumbnail/" in html and "Brand book" not in html
    assert "/materials/new/" not in html  # applicants do not upload
    thumb = client.get(f"/materials/{picture.pk}/thumbnail/")
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"
    assert thumb["X-Content-Type-Options"] == "nosniff" and "private" in thumb["Cache-Control"]
    assert not thumb["Content-Disposition"].startswith("attachment")
    assert client.get(f"/materials/{document.pk}/thumbnail/").status_code == 404  # none
    download = client.get(f"/materials/{document.pk}/file/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == pdf_bytes()  # type: ignore[attr-defined]
    assert download["Content-Disposition"] == 'attachment; filename="b.pdf"'
    named = client.get(f"/materials/{picture.pk}/file/")["Content-Disposition"]
    assert "filename*=utf-8''%D0%9B" in named
    # Filters that do not parse are ignored, not errors.
    assert (
        client.get("/materials/", {"category": "x", "brand": "-1", "after": "z"}).status_code == 200
    )


def test_upload_pages_are_for_holders_of_manage_materials(docs_desk: Desk, client: Client) -> None:
    category = _category(docs_desk)
    login(client, docs_desk.applicant)
    assert client.get("/materials/new/").status_code == 403
    data = {"title": "Mine", "category": category.pk, "file": upload("a.png", image_bytes("PNG"))}
    assert client.post("/materials/new/", data).status_code == 403
    assert client.post("/materials/new/", {"add_category": "1", "name": "X"}).status_code == 403
    assert not Material.objects.exists()
    client.logout()
    login(client, docs_desk.designer)
    assert client.get("/materials/new/").status_code == 200
    response = client.post("/materials/new/", {"add_category": "1", "name": "Photos"})
    assert response.status_code == 302
    assert MaterialCategory.objects.filter(workspace=docs_desk.workspace, name="Photos").exists()
    data = {"title": "", "category": category.pk, "tags": "summer", "brand": ""}
    response = client.post(
        "/materials/new/", {**data, "file": upload("Sun.png", image_bytes("PNG"))}
    )
    assert response.status_code == 302 and response["Location"] == "/materials/"
    assert Material.objects.get().title == "Sun"
    refused = client.post("/materials/new/", {**data, "file": upload("x.pdf", exe_bytes())})
    assert refused.status_code == 400 and "is not a file type we accept" in refused.content.decode()
    assert Material.objects.count() == 1
    material = Material.objects.get()
    client.logout()
    login(client, docs_desk.applicant)
    assert client.post(f"/materials/{material.pk}/remove/").status_code == 403
    client.logout()
    login(client, docs_desk.head)
    assert client.post(f"/materials/{material.pk}/remove/").status_code == 302
    assert not Material.objects.exists()


def test_other_workspaces_find_nothing(docs_desk: Desk, client: Client) -> None:
    material = _material(docs_desk, _category(docs_desk))
    other, _admin = make_workspace("Elsewhere")
    outsider = make_member(other, roles=list(Role.objects.filter(workspace=other)))
    login(client, outsider)
    for url in (
        f"/materials/{material.pk}/file/",
        f"/materials/{material.pk}/thumbnail/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/materials/{material.pk}/remove/").status_code == 404
    assert "Pizza Bella logo" not in client.get("/materials/").content.decode()
    assert Material.objects.filter(pk=material.pk).exists()


def test_list_page_queries_do_not_grow_with_rows(
    docs_desk: Desk, client: Client, django_assert_max_num_queries: Any
) -> None:
    category = _category(docs_desk)
    brand = Brand.objects.get(workspace=docs_desk.workspace, name="Pizza Bella")
    login(client, docs_desk.applicant)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/materials/", {"q": "logo"}).status_code == 200
        return len(queries)

    _material(docs_desk, category, brand=brand)
    few = count()
    for n in range(20):
        _material(docs_desk, category, title=f"Logo {n}", brand=brand if n % 2 else None)
    assert count() == few
    with django_assert_max_num_queries(few):
        client.get("/materials/", {"q": "logo"})
