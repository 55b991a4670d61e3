// Placeholder entry point until the commands land: run, check and parse are wired here.
return 0;
