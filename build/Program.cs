// Temporary entry point until the target host lands (replaced by Build.Main).
return 0;
