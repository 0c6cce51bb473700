"""Form helpers shared by every app."""

from django import forms
from django.core.exceptions import ValidationError

from config.request_values import parse_id


def add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Shows a service's ValidationError on the form: on the field it names when the form
    has that field, otherwise above the form."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            target = name if name in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)


class DateInput(forms.DateInput):
    """A browser date picker that shows and reads ISO dates."""

    input_type = "date"

    def __init__(self, **kwargs: object) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class IdsChoiceField(forms.ModelMultipleChoiceField):
    """A ModelMultipleChoiceField over integer primary keys that refuses a value which is not
    one (², 10^30) before the query: ``pk__in=[10**30]`` overflows SQLite (OverflowError), where
    Django's own check expects a ValueError."""

    def _check_values(self, value: object) -> object:
        if isinstance(value, list | tuple):
            for pk in value:
                if parse_id(pk) is None:
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                    )
        return super()._check_values(value)
