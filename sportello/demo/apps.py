from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Made-up data: the demo's few people and tickets (`seed_demo`) and the benchmark's
    million tickets (`seed_bench`)."""

    name = "sportello.demo"
    verbose_name = "Demo and benchmark data"
