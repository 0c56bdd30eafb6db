"""The newsletter (issue 19): lists, double opt-in sign-ups, campaigns sent through the mail outbox
on the job engine, one-click unsubscribe, bounces and complaints."""
