from tests.conftest import english_interface

_messages_in_english, as_role = english_interface()
