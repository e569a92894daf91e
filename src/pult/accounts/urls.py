from django.contrib.auth import views as auth_views
from django.urls import path

from pult.accounts import views

app_name = "accounts"

urlpatterns = [
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password-reset/sent/",
        views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("accounts/profile/", views.profile, name="profile"),
    path("language/", views.language_set, name="language"),
    path("workspaces/", views.workspaces, name="workspaces"),
    path("workspaces/switch/", views.workspace_switch, name="workspace_switch"),
    path("settings/workspace/", views.workspace_settings, name="workspace_settings"),
    path("people/", views.people, name="people"),
    path("people/new/", views.person_add, name="person_add"),
    path("people/departments/", views.departments, name="departments"),
    path("people/<int:user_id>/", views.person, name="person"),
    path("people/<int:user_id>/edit/", views.person_edit, name="person_edit"),
    path("files/avatars/<int:user_id>/", views.avatar, name="avatar"),
]
