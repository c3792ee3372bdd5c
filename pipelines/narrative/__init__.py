"""The prose of a report: its sections (``sections``) and the figures its sentences state (``figures``)."""
