"""The sales–marketing SLA (issue 22) as a versioned record, and its scorecard.

``record``: one version of the SLA (:class:`~tandem.store.sla.record.SlaVersion`), kept in the
shared ``sla.json``; ``versions``: which version is in force at a date, and setting a new one
(a decision in the minutes when a meeting decided it); ``scorecard``: the pure arithmetic of
each clause over a period's imported leads and their feedback; ``report``: that scorecard
gathered from a workspace.

Kept light: ``store/layout`` imports the record from here.
"""
