"""Every write to documents, one module per stage: ``drafting``, ``comments``, ``approval``,
``issuing``, ``incoming``, ``packets``. Each function is keyword-only, runs in one transaction,
checks the state under a row lock or a conditional update, records its audit event and opens or
settles the work items of the ledger."""
