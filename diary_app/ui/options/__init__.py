"""Settings, one group per option page (Picard style): each page builds its own controls and saves
each change at once; ``ui.pages.settings.OPTION_PAGES`` lists them in the order shown."""
