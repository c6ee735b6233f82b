import json
from decimal import Decimal

import requests
from django import forms
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.urls import path

from .models import Album

session = requests.Session()


class AlbumForm(forms.Form):
    name = forms.CharField(max_length=20)
    description = forms.CharField(required=False)
    pin_number = forms.RegexField(r"\A[A-Za-z0-9]{4}\Z", required=False)
    pin_price = forms.DecimalField(required=False, max_digits=12, decimal_places=3, min_value=Decimal("0.001"))

    def clean(self):
        data = super().clean()
        if bool(data.get("pin_number")) != (data.get("pin_price") is not None):
            raise forms.ValidationError("A PIN number and a PIN price go together.")
        return data


@login_required
def album_create(request):
    form = AlbumForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(form.errors.as_text())
    data = form.cleaned_data
    body = {"Name": data["name"], "Description": data["description"]}
    if data["pin_number"]:
        body.update(PinNumber=data["pin_number"], PINPrice=data["pin_price"])
    answer = session.post(
        f"{settings.AW_API_BASE_URL}/v1/Pictures/CreateAlbum",
        data=json.dumps(body, default=str),
        headers={"Authorization": f"Bearer {settings.AW_ACCESS_TOKEN}", "Content-Type": "application/json"},
        timeout=(3.05, 15),
    )
    answer.raise_for_status()
    album = Album.objects.create(user=request.user, album_id=answer.json()["AlbumID"], name=data["name"])
    return redirect(f"/albums/{album.pk}/")


urlpatterns = [
    path("healthz", lambda request: HttpResponse("ok")),  # what the bench waits for, as with the portal
    path("accounts/login/", auth_views.LoginView.as_view()),
    path("albums/new/", album_create),
]
