"""Page-number pagination for every list: ``?page=2&page_size=100``.

The answer is ``{"count": ..., "next": url|null, "previous": url|null, "results": [...]}``;
a page past the end is a 404.
"""

from rest_framework.pagination import PageNumberPagination


class StandardPagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200
