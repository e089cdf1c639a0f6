"""Templates, the helpers they use (money, percentages, ages, local times) and error pages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from autoclaim.claims.principals import Principal
from autoclaim.service.errors import STATUS_BY_ERROR
from autoclaim.service.pages.i18n import LANG_COOKIE, LANGS, Lang, choose_lang, message

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")

# Pages show times in China Standard Time (the claims the product serves are in China).
CHINA_TIME = timezone(timedelta(hours=8), "UTC+8")
LOW_CONFIDENCE = 0.6


def money(value: Any) -> str:
    """`1234.5` → `1,234.50`; an unreadable value is shown as it is."""
    try:
        return f"{Decimal(str(value)):,.2f}"
    except (InvalidOperation, ValueError):
        return str(value)


def percent(value: Any) -> str:
    try:
        return f"{float(value):.0%}"
    except (TypeError, ValueError):
        return "–"


def local_time(value: datetime | None) -> str:
    if value is None:
        return "–"
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(CHINA_TIME).strftime("%Y-%m-%d %H:%M")


def age(value: datetime, now: datetime | None = None) -> str:
    """How long ago, coarsely: `5 min`, `3 h`, `2 d`."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    seconds = max(0.0, ((now or datetime.now(UTC)) - value).total_seconds())
    if seconds < 3600:
        return f"{int(seconds // 60)} min"
    if seconds < 86400:
        return f"{int(seconds // 3600)} h"
    return f"{int(seconds // 86400)} d"


def error_status(exc: Exception) -> int:
    """The HTTP status the JSON API gives the same error."""
    for error_type, code, _name in STATUS_BY_ERROR:
        if isinstance(exc, error_type):
            return code
    return 500


class Translator:
    """`t("key", n=3)` in templates: the message in the page's language, formatted."""

    def __init__(self, lang: Lang) -> None:
        self.lang = lang

    def __call__(self, key: str, **params: Any) -> str:
        text = message(key, self.lang)
        return text.format(**params) if params else text

    def label(self, prefix: str, value: Any) -> str:
        """A translated label for a model or workflow value, or the value itself."""
        key = f"{prefix}_{value}"
        text = message(key, self.lang)
        return str(value) if text == key else text


def render(
    request: Request,
    name: str,
    context: dict[str, Any],
    principal: Principal | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """Render template `name` in the request's language (remembering a `?lang=` choice)."""
    lang = choose_lang(request)
    t = Translator(lang)
    other: Lang = "en" if lang == "zh-CN" else "zh-CN"
    full = {
        "lang": lang,
        "other_lang": other,
        "other_lang_url": str(request.url.include_query_params(lang=other)),
        "other_lang_name": "English" if other == "en" else "中文",
        "t": t,
        "principal": principal,
        "money": money,
        "percent": percent,
        "local_time": local_time,
        "age": age,
        "low_confidence": LOW_CONFIDENCE,
        **context,
    }
    response = templates.TemplateResponse(request, name, full, status_code=status_code)
    if request.query_params.get("lang") in LANGS:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax", path="/")
    return response


def error_page(
    request: Request,
    status_code: int,
    text: str,
    principal: Principal | None = None,
    sign_in: bool = False,
) -> HTMLResponse:
    """A plain page saying what went wrong (with a sign-in link when a key is needed)."""
    return render(
        request,
        "error.html",
        {"message": text, "status_code": status_code, "sign_in": sign_in},
        principal,
        status_code,
    )
