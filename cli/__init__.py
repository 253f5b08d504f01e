"""The ``dangjian`` command line."""
