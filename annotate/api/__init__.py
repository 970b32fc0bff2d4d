"""The researcher REST API under /api/v1/: views, serializers, filters, permissions, pagination."""
