// Saving what the page made (a model's JSON, a plot's SVG) as a file the reader downloads.

/** Offers `text` to the reader as a file download. */
export function download(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  URL.revokeObjectURL(url);
}
