"""The one base of the errors that say a request broke a rule of the portal.

Each channel renders it its own way: a page shows the message beside the form, the API
answers RFC 9457 problem details whose `type` is built from `code`, the mail intake
records it in the security log.
"""


class RuleViolation(Exception):
    """A request that breaks a rule. `message` is for the person who made the request,
    already in their language; `code` names the rule (lowercase words joined by hyphens),
    stable across releases so that API clients may act on it; `retry_after` (seconds), when
    the same request will be accepted after a wait (a quota, a delay after failures)."""

    code = "rule-violation"
    retry_after: int | None = None

    def __init__(self, message: str, *, code: str | None = None, retry_after: int | None = None):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.retry_after = retry_after

    def __str__(self) -> str:
        return str(self.message)
