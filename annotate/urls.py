from django.urls import path

from annotate import profile_views, views

app_name = "annotate"

urlpatterns = [
    path("", views.home, name="home"),
    path("profile/", profile_views.profile, name="profile"),
]
