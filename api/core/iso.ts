// Dates as the API writes them: ISO-8601 UTC with milliseconds, null stays null.
export const iso = (d: Date) => d.toISOString();
export const isoOrNull = (d: Date | null | undefined) => (d ? d.toISOString() : null);
