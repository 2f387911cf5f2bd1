"""The family API's news: the items addressed to the person (keyset pages) and one item."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from romsie.core.access.scope import Scope
from romsie.core.api import ERRORS, ApiScope, ObjectId, gate
from romsie.core.pagination import keyset_page

from . import selectors
from .habilitations import NewsHabilitation

router = Router(tags=["news"])
PAGE_SIZE = 20


def _scope(request: HttpRequest) -> Scope:
    return gate(request, oauth_scope=ApiScope.NEWS, habilitation=NewsHabilitation.READ, service="news")


class NewsSummaryOut(Schema):
    id: int
    title: str
    author: str
    published_at: datetime.datetime
    expires_at: datetime.datetime | None
    requires_confirmation: bool
    is_confirmed: bool
    classes: list[str]


class NewsPageOut(Schema):
    news: list[NewsSummaryOut]
    next_cursor: str


class NewsItemOut(NewsSummaryOut):
    body_html: str


class PageQuery(Schema):
    cursor: str = ""


def _summary(item: Any) -> dict[str, Any]:
    return {
        "id": item.pk,
        "title": item.title,
        "author": item.author.get_full_name() if item.author else "",
        "published_at": item.published_at,
        "expires_at": item.expires_at,
        "requires_confirmation": item.requires_confirmation,
        "is_confirmed": bool(item.is_confirmed),
        "classes": [c.school_class.name for c in item.classes],
    }


@router.get("/news", response={200: NewsPageOut, **ERRORS}, url_name="news-list", summary="News")
def news_list(request: HttpRequest, query: Query[PageQuery]) -> NewsPageOut:
    """The news addressed to the person, newest first, 20 a page, as the news page lists them."""
    page = keyset_page(
        selectors.news_list_for_reader(_scope(request)),
        time_field="published_at",
        cursor=query.cursor[:64],
        size=PAGE_SIZE,
    )
    return NewsPageOut(news=[NewsSummaryOut(**_summary(i)) for i in page.entries], next_cursor=page.next_cursor)


@router.get("/news/{item_id}", response={200: NewsItemOut, **ERRORS}, url_name="news-detail", summary="One item")
def news_detail(request: HttpRequest, item_id: ObjectId) -> NewsItemOut:
    item = selectors.news_detail(_scope(request), item_id)
    return NewsItemOut(**_summary(item), body_html=item.body)
