from django.dispatch import Signal

# Sent with `campaign` after a batch of its signatures was appended to the log.
log_sequenced = Signal()
# Sent with `campaign` when it opens.
campaign_opened = Signal()
