from django.urls import path

from incidents.realtime.consumers import BadgeConsumer, DashboardConsumer, IncidentConsumer

websocket_urlpatterns = [
    path("ws/incidents/<str:reference>/", IncidentConsumer.as_asgi(), name="ws-incident"),
    path("ws/dashboard/", DashboardConsumer.as_asgi(), name="ws-dashboard"),
    path("ws/notifications/", BadgeConsumer.as_asgi(), name="ws-badge"),
]
