/* visit counter placeholder (demo) */
(function(){var e=document.getElementById('visitcount');if(e){e.textContent='--';}})();
