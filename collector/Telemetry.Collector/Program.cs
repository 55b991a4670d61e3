// Placeholder entry point until Receiving lands: the host, options and pipeline stages are wired here.
return 0;
