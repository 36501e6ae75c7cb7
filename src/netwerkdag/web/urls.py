"""Every address of the app. The public exports keep stable addresses under the event's slug."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from netwerkdag.web.views import (
    accounts,
    allocation,
    invitee,
    meetings,
    networking,
    new_day,
    organiser,
    people,
    planning,
    poll,
    public,
    reach,
)

organiser_urls = [
    path("", organiser.home, name="organiser-home"),
    path("login/", accounts.limit_log_ins(accounts.LoginView.as_view()), name="login"),
    path("logout/", auth_views.LogoutView.as_view(next_page="/"), name="logout"),
    # The token is a secret: web/logs.py redacts this address in every log.
    path("wachtwoord/<uidb64>/<token>/", accounts.SetPasswordView.as_view(), name="set-password"),
    path("new/", organiser.new_event, name="organiser-new-event"),
    path("new/day/", new_day.new_day_page, name="organiser-new-day"),
    path("bereik/", reach.overview, name="organiser-reach"),
    path("bereik/bereik.<str:fmt>", reach.export, name="organiser-reach-export"),
    path("bereik/uitnodigen/", reach.invite_not_reached, name="organiser-reach-invite"),
    path("<slug:slug>/", organiser.event, name="organiser-event"),
    path("<slug:slug>/publish/", organiser.publish, name="organiser-publish"),
    path("<slug:slug>/event-file/", organiser.import_file, name="organiser-import-file"),
    path("<slug:slug>/event.yaml", organiser.download_draft, name="organiser-draft"),
    path("<slug:slug>/invitees/", people.import_invitees, name="organiser-invitees"),
    path("<slug:slug>/invitations/", people.send_invitations, name="organiser-send-invitations"),
    path("<slug:slug>/link/", people.link, name="organiser-link"),
    path("<slug:slug>/export/<str:what>.<str:fmt>", people.export, name="organiser-export"),
    path("<slug:slug>/check-in/", people.check_in, name="organiser-check-in"),
    path("<slug:slug>/bereik/", reach.day, name="organiser-reach-day"),
    path("<slug:slug>/bereik.xlsx", reach.day_export, name="organiser-reach-day-export"),
    path("<slug:slug>/badges.pdf", people.badge_sheet, name="organiser-badges"),
    path("<slug:slug>/mail/resend/", organiser.resend_mail, name="organiser-resend-mail"),
    path("<slug:slug>/organisers/", organiser.add_organiser, name="organiser-add-organiser"),
    path("<slug:slug>/sessions/", planning.sessions, name="organiser-sessions"),
    path("<slug:slug>/deadline/", organiser.deadline, name="organiser-deadline"),
    path("<slug:slug>/peiling/", poll.organiser_poll, name="organiser-poll"),
    path("<slug:slug>/peiling.csv", poll.organiser_poll_export, name="organiser-poll-export"),
    path("<slug:slug>/toewijzing/", allocation.organiser_allocation, name="organiser-allocation"),
    path("<slug:slug>/toewijzing.csv", allocation.organiser_allocation_csv, name="organiser-allocation-csv"),
    path("<slug:slug>/netwerktafels/", meetings.organiser_meetings, name="organiser-meetings"),
    path(
        "<slug:slug>/netwerktafels/afdrukken/",
        meetings.organiser_meetings_print,
        name="organiser-meetings-print",
    ),
    path("<slug:slug>/schedule/", planning.schedule_start, name="organiser-schedule"),
    path("<slug:slug>/schedule/<int:run_id>/", planning.schedule_run, name="organiser-schedule-run"),
    path(
        "<slug:slug>/schedule/<int:run_id>/progress.json",
        planning.schedule_progress,
        name="organiser-schedule-progress",
    ),
    path(
        "<slug:slug>/schedule/<int:run_id>/decision/",
        planning.schedule_decide,
        name="organiser-schedule-decide",
    ),
]

invitee_urls = [
    path("", invitee.invitee, name="invitee"),
    path("programma.ics", invitee.invitee_ics, name="invitee-ics"),
    path("programma.pdf", invitee.invitee_pdf, name="invitee-pdf"),
    path("mijn-gegevens.json", invitee.invitee_data, name="invitee-data"),
    path("afmelden/", invitee.invitee_withdraw, name="invitee-withdraw"),
    path("voorkeuren/", allocation.invitee_ranking, name="invitee-ranking"),
    path("peiling/", poll.invitee_poll, name="invitee-poll"),
    path("netwerken/", networking.directory, name="invitee-networking"),
    path("netwerken/toestemming/", networking.consent, name="invitee-networking-consent"),
    path("netwerken/verzoek/", networking.ask, name="invitee-networking-ask"),
    path("afspraken/", networking.meetings, name="invitee-meetings"),
]

web_urls = [
    path("", public.home, name="home"),
    path("organisatie/", include(organiser_urls)),
    path("uitnodiging/<str:token>/", include(invitee_urls)),
    path("<slug:slug>/", public.programme, name="programme"),
    path("<slug:slug>/sessie/<str:session_id>/", public.session, name="session"),
    path("<slug:slug>/schedule.json", public.schedule_json, name="schedule-json"),
    path("<slug:slug>/schedule.xml", public.schedule_xml, name="schedule-xml"),
    path("<slug:slug>/schedule.ics", public.schedule_ics, name="schedule-ics"),
    path("<slug:slug>/programma.pdf", public.booklet, name="booklet"),
]

urlpatterns = [
    # The admin's log-in, limited as the organisers' is (before the admin's own address for it).
    path("beheer/login/", accounts.limit_log_ins(admin.site.login)),
    path("beheer/", admin.site.urls),
    path("", include((web_urls, "web"))),
]
