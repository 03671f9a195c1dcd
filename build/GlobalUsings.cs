// Namespaces nearly every file of the build uses, imported once for the project (as ImplicitUsings imports System,
// System.IO, System.Linq and the rest): the fleet's model and its errors, the run's result records, the log, and the
// BCL's text, regex, culture and process namespaces.
global using System.Diagnostics;
global using System.Globalization;
global using System.Text;
global using System.Text.Json;
global using System.Text.RegularExpressions;
global using Serilog;
global using TemplateFleet.Fleet;
global using TemplateFleet.Results;
