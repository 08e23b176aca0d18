from django.apps import AppConfig


class LabsConfig(AppConfig):
    name = "webgns.labs"
    label = "labs"
    verbose_name = "Labs"

    def ready(self) -> None:
        # Binds `shared_task`s to our app (Redis broker) in every process that runs Django.
        import webgns.celery  # noqa: F401
