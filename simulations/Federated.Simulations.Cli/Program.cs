// Placeholder entry point; the scenario runner replaces it.
return 0;
