/* AW Portal: small enhancements on top of pages that already work without JavaScript.
   Each is switched on by a data- attribute; controls that only JavaScript can work start `hidden`. */
"use strict";

/* A live "n of 20 characters" under a text field. String length counts UTF-16 code units, exactly as
   the server's validator and the browser's maxlength do, so an emoji such as 😀 counts as two. */
function enhanceCounter(counter) {
  const input = document.getElementById(counter.dataset.counterFor);
  if (!input || input.maxLength <= 0) return;
  const limit = input.maxLength;
  const update = () => {
    const used = input.value.trim().length; // the server drops surrounding whitespace before counting
    const over = used - limit;
    counter.textContent = over > 0
      ? `${used} of ${limit} characters: ${over} too many`
      : `${used} of ${limit} characters`;
    counter.classList.toggle("counter--over", over > 0);
  };
  input.setAttribute("aria-describedby", `${input.getAttribute("aria-describedby") || ""} ${counter.id}`.trim());
  input.addEventListener("input", update);
  update();
  counter.hidden = false;
}

/* "Generate PIN": the server draws the PIN (with Python's `secrets`) and the button fills it in. Without
   JavaScript the page shows a suggestion the server drew in the same way instead. */
function enhancePinGenerator(button) {
  const input = document.getElementById(button.dataset.pinTarget);
  const note = button.parentElement.querySelector("[data-pin-note]");
  if (!input || !note) return;
  note.textContent = "";
  button.hidden = false;
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      const response = await fetch(button.dataset.pinGenerate, {
        headers: { Accept: "application/json" },
        cache: "no-store",
        credentials: "same-origin",
      });
      if (!response.ok) throw new Error(`status ${response.status}`);
      const { pin } = await response.json();
      input.value = pin;
      input.dispatchEvent(new Event("input", { bubbles: true }));
      note.textContent = "A new PIN is filled in.";
    } catch {
      note.textContent = "No PIN could be generated just now. Try again in a moment.";
    } finally {
      button.disabled = false;
    }
  });
}

/* "Copy PIN" puts the text of the element it names on the clipboard; without it, the PIN stays
   plain text to select and copy. */
function enhanceCopy(button) {
  const source = document.getElementById(button.dataset.copy);
  const status = button.parentElement.querySelector("[data-copy-status]");
  if (!source || !status || !navigator.clipboard) return;
  button.hidden = false;
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(source.textContent.trim());
      status.textContent = "Copied.";
    } catch {
      status.textContent = "The browser did not allow copying: select the PIN and copy it yourself.";
    }
  });
}

document.querySelectorAll("[data-counter-for]").forEach(enhanceCounter);
document.querySelectorAll("[data-pin-generate]").forEach(enhancePinGenerator);
document.querySelectorAll("[data-copy]").forEach(enhanceCopy);
