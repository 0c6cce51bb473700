"""The REST API's shared machinery: URLs, authentication, errors, pagination, schema.

Each app keeps its endpoints in its own ``apis.py`` (views) and ``serializers.py`` and
registers its viewsets in ``config/api/urls.py``; everything here is common to all of them.
"""
