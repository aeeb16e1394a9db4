"""Where a lead stands with sales, in tandem's words; each CRM's own values map onto these
(``[crm.status]``): not yet worked, being worked, accepted (a sales-accepted lead), rejected
(disqualified), recycled (back to marketing), converted (an opportunity).

A module of its own: config.toml's ``[crm]`` is read without loading the records, and
``store/layout`` loads the lead record without the settings' presets (every command imports
layout)."""

LEAD_STATUSES = ("new", "working", "accepted", "rejected", "recycled", "converted")
