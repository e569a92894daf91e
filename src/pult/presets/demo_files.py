"""Demo files of the design desk: results in the named applicant's archive and a small
ready-materials library, drawn with Pillow and stored through the documents services
(so they are checked, thumbnailed and permission-guarded like any upload)."""

from __future__ import annotations

import io
import random
from typing import TYPE_CHECKING

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from pult.documents.services import attachment_add, material_add, material_category_create
from pult.parties.models import Brand
from pult.work.models import Item, StatusCategory

if TYPE_CHECKING:
    from pult.accounts.models import User, Workspace

PALETTE = ["#c0392b", "#d35400", "#16a085", "#2c3e50", "#8e44ad", "#2980b9", "#f39c12"]
LIBRARY = [
    # category, title, tags
    ("Меню", "Меню сезона: основное", "меню,сезон,печать"),
    ("Меню", "Меню напитков", "меню,напитки"),
    ("Фотографии", "Фотосессия: пицца Маргарита", "фото,пицца"),
    ("Фотографии", "Фотосессия: интерьер", "фото,интерьер"),
    ("Элементы оформления", "Наклейки на витрину", "декор,витрина"),
    ("Элементы оформления", "Таблички «Открыто/Закрыто»", "декор,таблички"),
    ("Графика для доставки", "Баннеры для сервисов доставки", "доставка,баннер,веб"),
    ("Графика для доставки", "Обложки карточек блюд", "доставка,веб"),
    ("Логотипы", "Логотип: полноцветный", "логотип"),
    ("Логотипы", "Логотип: монохромный", "логотип"),
]


def _picture(rng: random.Random, caption: str, size: tuple[int, int] = (800, 560)) -> bytes:
    image = Image.new("RGB", size, rng.choice(PALETTE))
    draw = ImageDraw.Draw(image)
    width, height = size
    for _ in range(6):
        x, y = rng.randrange(width), rng.randrange(height)
        r = rng.randrange(30, 160)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=rng.choice(PALETTE))
    draw.rectangle((0, height - 70, width, height), fill="#ffffff")
    draw.text((24, height - 50), caption.encode("ascii", "replace").decode(), fill="#222222")
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def design_desk_files(
    workspace: Workspace, *, head: User, applicant: User, rng: random.Random
) -> tuple[int, int]:
    """Attach a result to each of the applicant's finished requests and fill the library;
    returns (results, materials)."""
    results = 0
    finished = Item.objects.filter(
        workspace=workspace, requester=applicant, category=StatusCategory.CLOSED
    ).order_by("pk")
    for item in finished:
        upload = SimpleUploadedFile(
            f"{item.reference}.png", _picture(rng, item.reference), "image/png"
        )
        attachment_add(
            actor=head, workspace=workspace, item_id=item.pk, upload=upload, kind="deliverable"
        )
        results += 1
    brands = list(Brand.objects.filter(workspace=workspace).order_by("pk"))
    categories: dict[str, int] = {}
    for category, title, tags in LIBRARY:
        if category not in categories:
            categories[category] = material_category_create(
                actor=head, workspace=workspace, name=category
            ).pk
        brand = rng.choice(brands) if brands and category != "Логотипы" else None
        upload = SimpleUploadedFile(f"{tags.split(',')[0]}.png", _picture(rng, title), "image/png")
        material_add(
            actor=head,
            workspace=workspace,
            title=title,
            category_id=categories[category],
            upload=upload,
            brand_id=brand.pk if brand else None,
            tags=tags,
        )
    return results, len(LIBRARY)
