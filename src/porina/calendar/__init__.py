"""The content calendar (issue 19): the brand's scheduled, published and draft posts by month and
week, drafts and approval, and publishing that is never silently dropped."""
