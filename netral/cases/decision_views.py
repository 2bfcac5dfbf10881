"""Views of the cases app (being built)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
