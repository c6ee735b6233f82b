"""Views: bind the form, call one service, render or redirect. One module per area of the portal."""
