// The policy editor: CodeMirror over the page's textarea, with line numbers and Cedar's
// words highlighted. Without this script the textarea works as it is; with it, CodeMirror
// copies its text back into the textarea when the form is posted.
(function () {
  "use strict";

  CodeMirror.defineSimpleMode("cedar", {
    start: [
      { regex: /\/\/.*/, token: "comment" },
      { regex: /"(?:[^\\"]|\\.)*"?/, token: "string" },
      { regex: /@[A-Za-z_][A-Za-z0-9_]*/, token: "meta" },
      {
        regex: /(?:permit|forbid|when|unless|principal|action|resource|context|in|has|like|is|if|then|else)\b/,
        token: "keyword"
      },
      { regex: /(?:true|false)\b/, token: "atom" },
      { regex: /-?[0-9]+\b/, token: "number" },
      { regex: /[A-Za-z_][A-Za-z0-9_]*(?:::[A-Za-z_][A-Za-z0-9_]*)+/, token: "variable-2" },
      { regex: /[A-Za-z_][A-Za-z0-9_]*/, token: "variable" },
      { regex: /[{[(]/, indent: true },
      { regex: /[}\])]/, dedent: true },
      { regex: /==|!=|<=|>=|&&|\|\||[<>!+\-*]/, token: "operator" }
    ],
    meta: { lineComment: "//", dontIndentStates: ["comment"] }
  });

  var textarea = document.getElementById("policy-text");
  if (!textarea) {
    return;
  }
  var editor = CodeMirror.fromTextArea(textarea, {
    mode: "cedar",
    lineNumbers: true,
    indentUnit: 2,
    tabSize: 2,
    // Every line is drawn, so the browser's own search finds text anywhere in the policies.
    viewportMargin: Infinity
  });
  // Lines the server found faulty (data-faulty-lines="2 7") are marked in the editor too.
  (textarea.getAttribute("data-faulty-lines") || "").split(" ").forEach(function (number) {
    var line = parseInt(number, 10);
    if (line > 0 && line <= editor.lineCount()) {
      editor.addLineClass(line - 1, "background", "faulty-line");
    }
  });
})();
