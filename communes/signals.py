"""Signals the apps send for writes that model signals do not see.

``data_changed`` is sent after a bulk write (``bulk_create`` and upserts send no
``post_save``), with the model as sender. Apps that keep derived data (the reports'
cached dashboards) listen to it as well as to ``post_save``/``post_delete``.
"""

from django.dispatch import Signal

data_changed = Signal()
