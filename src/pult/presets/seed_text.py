"""Words for `pult seed`: company names that people misspell, chat lines, library titles.

Plain data, like demo_names; nothing here is UI text. Everything is drawn through the
caller's `random.Random`, so the seed decides every word."""

from __future__ import annotations

import random

from pult.presets import demo_names as names
from pult.presets.demo_expertise_orders import COMPANY_ROOTS

# The first client: the example a benchmark misspells ("Рогаа и Копыта").
FIRST_CLIENT = "ООО «Рога и копыта»"

RU_FORMS = ("ООО", "ООО", "ООО", "ООО", "АО", "АО", "ПАО", "ЗАО", "ИП")
RU_HEADS = (
    "Сибирь", "Урал", "Волга", "Балт", "Нева", "Дон", "Кама", "Восток", "Север", "Юг",
    "Центр", "Регион", "Мега", "Гранит", "Альфа", "Бета", "Вектор", "Профи", "Тех", "Гео",
    "Эко", "Спец", "Гидро", "Термо", "Авто", "Агро", "Энерго", "Нефте", "Газо", "Хим",
)  # fmt: skip
RU_TAILS = (
    "строй", "пром", "инвест", "энерго", "тех", "снаб", "сервис", "проект", "монтаж",
    "транс", "холдинг", "групп", "лес", "металл", "маш", "комплект", "систем", "ресурс",
)  # fmt: skip
LATIN_HEADS = (
    "Baltic", "Volga", "Ural", "Siberian", "Polar", "Nova", "Alfa", "Techno", "Pro", "Euro",
    "Terra", "Aqua", "Stroy", "Neva", "Global", "Vector", "Prime", "Metro", "Delta", "Orion",
)  # fmt: skip
LATIN_TAILS = (
    "Steel", "Logistics", "Engineering", "Systems", "Invest", "Energy", "Timber", "Trade",
    "Metal Works", "Consulting", "Development", "Industries", "Technologies", "Solutions",
)  # fmt: skip
LATIN_FORMS = ("LLC", "Ltd", "Group", "JSC", "GmbH", "Inc.")


def company_name(rng: random.Random) -> str:
    """A client's name: a Russian form with a quoted compound name, now and then a
    Latin one; roots repeat across thousands of clients, as real names do."""
    roll = rng.random()
    if roll < 0.18:
        return f"{rng.choice(LATIN_HEADS)} {rng.choice(LATIN_TAILS)} {rng.choice(LATIN_FORMS)}"
    form = rng.choice(RU_FORMS)
    if form == "ИП":
        first, family, patronymic, _female = names.person(rng)
        return f"ИП {family} {first[0]}. {patronymic[0]}."
    core = rng.choice(COMPANY_ROOTS) if roll < 0.55 else rng.choice(RU_HEADS) + rng.choice(RU_TAILS)
    decoration = rng.random()
    if decoration < 0.15:
        core = f"{core} {rng.choice(names.CITIES)[0]}"
    elif decoration < 0.3:
        core = f"{core}-{rng.randrange(1, 30)}"
    elif decoration < 0.4:
        core = f"{core} {rng.choice(('Плюс', 'Групп', 'Сервис', 'Проект', 'М'))}"
    return f"{form} «{core}»"


DESK_REQUESTER = (
    "Добрый день! Когда примерно будет готов макет?",
    "Прикладываю фото витрины, размеры указал в заявке.",
    "Цену поменяли: теперь {price} ₽.",
    "Можно сделать шрифт покрупнее?",
    "Спасибо, всё отлично!",
    "Напоминаю про заявку, акция стартует в пятницу.",
    "Логотип нужен новый, из брендбука этого года.",
    "А можно два варианта фона?",
    "Печатать будем в типографии на Садовой, вылеты 3 мм.",
    "Уточнила у управляющего: текст оставляем как есть.",
    "Подскажите, на каком этапе заявка?",
    "Получили, распечатали, висит. Спасибо!",
)
DESK_DESIGNER = (
    "Взял(а) в работу, макет будет завтра до обеда.",
    "Уточните, пожалуйста, размер конструкции в сантиметрах.",
    "Первый вариант готов, посмотрите, пожалуйста.",
    "Внесла правки: цена и адрес исправлены.",
    "Фото слишком тёмное, возьму из фотобанка сети, хорошо?",
    "Макет выложен в результаты заявки, формат PDF для печати.",
    "Нужен текст для оборота, без него не смогу закончить.",
    "Сделал(а) адаптацию под {size}.",
    "Проверьте, пожалуйста, опечатки перед печатью.",
)
DESK_HEAD = (
    "Коллеги, заявка срочная, прошу взять вне очереди.",
    "Согласовано, можно печатать.",
    "Передаю заявку другому дизайнеру на время отпуска.",
)
DESK_NOTES = (
    "Похоже на дубликат заявки соседней точки, проверить.",
    "Срочно: управляющий звонил руководителю.",
    "Шаблон есть в готовых материалах, можно ускорить.",
)
ORDER_MANAGER = (
    "Клиент прислал подписанный договор, скан во вложениях.",
    "Клиент просит уложиться в {days} рабочих дней.",
    "Созвонился с главным инженером, документы передадут курьером.",
    "Счёт выставлен, ждём оплату.",
    "Клиент уточняет состав документации, отвечу до конца дня.",
    "Повторный заказ, условия прежние.",
)
ORDER_EXPERT = (
    "Документация получена, начинаю анализ.",
    "Не хватает раздела по пожарной безопасности, запросите у клиента.",
    "Замечания отправлены, срок устранения — {days} дней.",
    "Экспертиза завершена, заключение готовится.",
    "Требуется выезд на объект, согласуйте дату.",
)
ORDER_STAFF = (
    "Оплата поступила, акт выставлен.",
    "Техническое задание согласовано.",
    "Документы переданы на согласование.",
    "Регистрация ожидается на следующей неделе.",
)
SIZES = ("A3", "A2", "1080×1920 px", "ролл-ап 0,85×2 м", "A4")


def fill(rng: random.Random, line: str) -> str:
    if "{" not in line:
        return line
    return line.format(
        price=rng.randrange(149, 1999, 10), size=rng.choice(SIZES), days=rng.randrange(5, 30)
    )


MATERIAL_CATEGORIES = (
    "Меню", "Фотографии", "Элементы оформления", "Графика для доставки", "Логотипы",
    "Шаблоны плакатов", "Брендбук", "Сезонные кампании",
)  # fmt: skip
MATERIAL_SUBJECTS = (
    "Пицца Маргарита", "Роллы Филадельфия", "Капучино", "Чизбургер", "Интерьер зала",
    "Летняя веранда", "Новогоднее оформление", "Комбо-обед", "Детское меню", "Десерты",
    "Фасад", "Команда", "Доставка", "Акция недели", "Барное меню",
)  # fmt: skip
MATERIAL_KINDS = ("фотосессия", "шаблон", "макет", "исходник", "вариант", "адаптация")
