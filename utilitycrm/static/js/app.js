// Progressive enhancement only; every page works without it. No inline scripts (CSP).
document.querySelectorAll("select[data-autosubmit]").forEach((select) => {
  select.addEventListener("change", () => select.form.requestSubmit());
  const button = select.form.querySelector("[data-autosubmit-button]");
  if (button) button.classList.add("visually-hidden");
});

// Forms that destroy something ask first.
document.querySelectorAll("form[data-confirm]").forEach((form) => {
  form.addEventListener("submit", (event) => {
    if (!window.confirm(form.dataset.confirm)) event.preventDefault();
  });
});
