"""The knowledge base: every member reads it, holders of manage_knowledge write it,
and the text never becomes HTML of the author's choosing."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from pult.access.models import Role
from pult.core.exceptions import Forbidden
from pult.documents import services
from pult.documents.markup import render
from pult.documents.models import Article
from tests.conftest import login
from tests.factories import make_member, make_workspace
from tests.work.conftest import Desk

pytestmark = pytest.mark.django_db


def _article(desk: Desk, title: str = "How to order a poster", body: str = "Step one.") -> Article:
    return services.article_create(
        actor=desk.head, workspace=desk.workspace, title=title, body=body
    )


def test_every_member_reads_articles(docs_desk: Desk, client: Client) -> None:
    article = _article(docs_desk, body="Fill the form.\n\n- size\n- texts")
    login(client, docs_desk.applicant)
    listing = client.get("/kb/")
    assert listing.status_code == 200 and "How to order a poster" in listing.content.decode()
    assert "/kb/new/" not in listing.content.decode()  # no "write" button for readers
    page = client.get(f"/kb/{article.slug}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "<p>Fill the form.</p>" in html and "<ul><li>size</li><li>texts</li></ul>" in html
    assert client.get("/kb/?q=poster").content.decode().count("data-articles") == 1
    assert "How to order" not in client.get("/kb/?q=nothing-like-this").content.decode()


def test_other_workspaces_do_not_see_articles(docs_desk: Desk, client: Client) -> None:
    article = _article(docs_desk)
    other, _admin = make_workspace("Elsewhere")
    outsider = make_member(other, roles=list(Role.objects.filter(workspace=other)))
    login(client, outsider)
    assert client.get(f"/kb/{article.slug}/").status_code == 404
    assert client.get(f"/kb/{article.slug}/edit/").status_code == 404
    assert "How to order" not in client.get("/kb/").content.decode()


def test_only_holders_of_manage_knowledge_write(docs_desk: Desk, client: Client) -> None:
    with pytest.raises(Forbidden):
        services.article_create(
            actor=docs_desk.designer, workspace=docs_desk.workspace, title="X", body=""
        )
    article = _article(docs_desk)
    login(client, docs_desk.applicant)
    assert client.get("/kb/new/").status_code == 403
    assert client.post("/kb/new/", {"title": "Mine", "body": ""}).status_code == 403
    assert client.post(f"/kb/{article.slug}/edit/", {"title": "Hacked"}).status_code == 403
    client.logout()
    login(client, docs_desk.head)
    response = client.post("/kb/new/", {"title": "Правила оформления", "body": "Текст"})
    created = Article.objects.get(title="Правила оформления")
    assert response.status_code == 302
    assert response["Location"] == reverse("documents:article_detail", args=[created.slug])
    assert created.slug == "правила-оформления"
    assert client.get(response["Location"]).status_code == 200
    # Inline errors, nothing saved.
    response = client.post("/kb/new/", {"title": "   ", "body": "x"})
    assert response.status_code == 400 and "This field is required" in response.content.decode()
    # Editing keeps the address.
    response = client.post(
        f"/kb/{article.slug}/edit/", {"title": "How to order anything", "body": "New text"}
    )
    article.refresh_from_db()
    assert response["Location"] == reverse("documents:article_detail", args=[article.slug])
    assert (article.title, article.body, article.updated_by) == (
        "How to order anything",
        "New text",
        docs_desk.head,
    )


def test_same_title_gets_a_free_address_and_new_is_reserved(docs_desk: Desk) -> None:
    assert _article(docs_desk, title="New").slug == "new-2"
    assert _article(docs_desk, title="Menu").slug == "menu"
    assert _article(docs_desk, title="Menu").slug == "menu-2"


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"),
        ('<img src=x onerror="x()">', "<p>&lt;img src=x onerror=&quot;x()&quot;&gt;</p>"),
        ("one\ntwo\n\nthree", "<p>one<br>two</p>\n<p>three</p>"),
        ("1. first\n2. <b>second</b>", "<ol><li>first</li><li>&lt;b&gt;second&lt;/b&gt;</li></ol>"),
        ("# Title <i>", "<h2>Title &lt;i&gt;</h2>"),
        (
            "See https://example.com/a?b=1&c=2",
            '<p>See <a href="https://example.com/a?b=1&amp;c=2" rel="nofollow">'
            "https://example.com/a?b=1&amp;c=2</a></p>",
        ),
        ("[x](javascript:alert(1))", "<p>[x](javascript:alert(1))</p>"),
    ],
)
def test_markup_escapes_everything(text: str, html: str) -> None:
    assert render(text) == html
