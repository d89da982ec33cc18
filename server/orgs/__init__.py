"""The municipality's list of organisations (issue 16): a table, its queries, and the
link between the list and a board's own copies (``board.plan.Organisation``)."""
