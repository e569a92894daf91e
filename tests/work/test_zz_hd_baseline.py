from typing import Any
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pult.api.services import api_token_create
from tests.conftest import login
from tests.work import test_stages as m
from tests.work.test_stages import SALES

office = m.office
OUT = "/tmp/hd/" + __import__("os").environ.get("HD_TAG", "x")

def test_baseline(office: Any, client: Any) -> None:
    item = office.order()
    office.fill(office.manager, item, SALES)
    office.fill_stage(item, "technical")
    office.sign(office.manager, item, "sales")
    log = open(OUT + "_counts.txt", "w")
    for who in ("manager", "finance", "head3", "expert", "dept4", "director"):
        user = getattr(office, who)
        client.logout()
        login(client, user)
        url = reverse("work:item_detail", args=[item.pk])
        client.get(url)
        with CaptureQueriesContext(connection) as page:
            body = client.get(url).content.decode()
        _t, raw = api_token_create(actor=user, workspace=office.workspace, name="t")
        h = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
        client.get(f"/api/v1/items/{item.pk}/stages", **h)
        with CaptureQueriesContext(connection) as api:
            r = client.get(f"/api/v1/items/{item.pk}/stages", **h)
        log.write(f"{who} page={len(page.captured_queries)} api={len(api.captured_queries)}\n")
        open(f"{OUT}_{who}.json", "w").write(r.content.decode())
        start = body.index("data-stages")
        open(f"{OUT}_{who}.html", "w").write(body[start:body.index("</section>", start)])
