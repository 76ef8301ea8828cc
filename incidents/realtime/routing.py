from django.urls import path

from incidents.realtime.consumers import DashboardConsumer, IncidentConsumer

websocket_urlpatterns = [
    path("ws/incidents/<str:reference>/", IncidentConsumer.as_asgi(), name="ws-incident"),
    path("ws/dashboard/", DashboardConsumer.as_asgi(), name="ws-dashboard"),
]
