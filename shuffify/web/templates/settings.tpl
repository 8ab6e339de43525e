% rebase('base.tpl')
<h1>Settings</h1>
