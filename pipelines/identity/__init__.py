"""Who published a report, where that body sits in the administrative hierarchy, and what the document is.

Pure functions over names and text lines (no Dagster, no I/O beyond reading the packaged division list):

* ``regions``: place an issuer name in the 民政部 division list (township codes included);
* ``issuers``: normalise issuer names, derive the administrative level and a stable issuer id;
* ``document``: statistics period, publication date, USCC, scope and report/not-a-report classification
  read from a document's lines.
"""
