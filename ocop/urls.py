from django.urls import path

from . import views

app_name = "ocop"

urlpatterns = [
    path("", views.product_list, name="list"),
    path("new/", views.product_create, name="create"),
    path("<slug:slug>/", views.product_detail, name="detail"),
    path("<slug:slug>/edit/", views.product_edit, name="edit"),
    path("<slug:slug>/register/", views.product_register, name="register"),
    path("<slug:slug>/propose/", views.product_propose, name="propose"),
    path("<slug:slug>/rate/", views.product_rate, name="rate"),
]
