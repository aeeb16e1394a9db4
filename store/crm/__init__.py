"""Lead lists from the team's CRM (issue 22): the :class:`~tandem.store.crm.lead.Lead`
record kept in the shared ``leads.json``, the ``[crm]`` settings that map a CRM's columns and
values onto it (``settings``, with presets for HubSpot and Salesforce), and the import of a
CRM's CSV export (``importer``).

Only what the practice needs of a lead is kept — the CRM's id, source and campaign, persona
and segment, stage, status and the timestamps — never a name, an e-mail, a phone number or
any column the mapping does not name.

Kept light: ``store/layout`` imports the record from here.
"""
