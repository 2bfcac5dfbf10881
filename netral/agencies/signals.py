from django.dispatch import Signal

# Sent with `agency` after a roster import has changed the agency's employees.
roster_imported = Signal()
