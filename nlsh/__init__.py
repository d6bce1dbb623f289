"""nlsh: a natural-language shell that turns sentences into typed, previewed OS actions."""

__version__ = "0.1.0"
